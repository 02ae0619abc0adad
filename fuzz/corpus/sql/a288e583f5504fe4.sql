SELECT count(*) FROM sales WHERE ProductName RLIKE 'Vintage|Retro'
