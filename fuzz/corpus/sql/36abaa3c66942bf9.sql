SELECT Country, sum(Quantity) AS q FROM sales GROUP BY Country HAVING q > 500 AND min(Price) < 10
