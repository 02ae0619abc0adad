SELECT count(*) FROM sales WHERE ProductName NOT LIKE '%a%'
