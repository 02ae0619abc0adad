SELECT count(*) FROM sales WHERE Quantity > 100
