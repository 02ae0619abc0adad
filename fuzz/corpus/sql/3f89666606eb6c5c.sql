SELECT Quantity FROM sales ORDER BY Quantity LIMIT 1
