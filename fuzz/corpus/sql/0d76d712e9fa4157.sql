SELECT Country, sum(Price * Quantity), sum(Quantity), count(DISTINCT CustomerNo) FROM nested GROUP BY Country
