SELECT count(*), sum(Quantity) FROM sales WHERE Country = 'Belgium'
