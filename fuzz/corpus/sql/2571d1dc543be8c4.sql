SELECT count(*) FROM sales WHERE NOT (Quantity > 10 OR Price > 10)
