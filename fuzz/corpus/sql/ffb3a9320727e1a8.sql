SELECT count(*) FROM sales WHERE Country = 'Nowhere'
