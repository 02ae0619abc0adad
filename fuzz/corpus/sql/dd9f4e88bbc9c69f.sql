SELECT if(Quantity > 12, 'many', 'few') AS k, count(*) FROM sales GROUP BY 1
