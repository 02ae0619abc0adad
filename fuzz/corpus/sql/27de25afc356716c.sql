SELECT count(*) FROM sales WHERE Quantity IN (1, 2, 3, 4, 5, 6)
