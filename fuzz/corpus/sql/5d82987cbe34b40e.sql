SELECT Country, avg(CAST(Price AS DECIMAL(10,2))) FROM sales GROUP BY Country
