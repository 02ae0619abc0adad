SELECT sum(CASE WHEN Quantity > 12 THEN 1 ELSE 0 END), avg(CASE WHEN Country = 'Norway' THEN Price END) FROM sales
