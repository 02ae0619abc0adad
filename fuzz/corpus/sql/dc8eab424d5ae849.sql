SELECT Country, sum(CAST(Price AS DOUBLE) * CAST(Quantity AS INT)) FROM sales GROUP BY Country
