SELECT count(*) FROM sales WHERE ProductName LIKE '%Christmas%'
