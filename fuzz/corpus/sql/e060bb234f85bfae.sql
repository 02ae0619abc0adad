SELECT Country, count(DISTINCT CustomerNo) AS customers, sum(Price * Quantity) / count(DISTINCT CustomerNo) AS per_customer FROM sales GROUP BY Country
