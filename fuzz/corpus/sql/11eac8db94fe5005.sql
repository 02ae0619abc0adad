SELECT count(*) FROM sales WHERE Quantity > 10 AND (Price < 8 OR Country = 'Norway')
