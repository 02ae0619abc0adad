SELECT rlike(ProductName, 'Heart'), count(*) FROM sales GROUP BY 1
