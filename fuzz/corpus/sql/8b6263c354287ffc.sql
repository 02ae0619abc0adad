SELECT starts_with(ProductName, 'Set'), count(*) FROM sales GROUP BY 1
