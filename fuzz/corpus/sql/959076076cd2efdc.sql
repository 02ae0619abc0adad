SELECT sum(CAST(Price AS DECIMAL(10,2)) * Quantity) FROM sales
