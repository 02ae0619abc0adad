SELECT count(*) FROM sales WHERE Country > 'M' AND Quantity > 20
