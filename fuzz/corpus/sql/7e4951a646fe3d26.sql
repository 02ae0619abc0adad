SELECT count(*) FROM sales WHERE ProductName ILIKE '%CHRISTMAS%'
