SELECT Country, count(*), sum(Quantity) FROM nested GROUP BY Country
