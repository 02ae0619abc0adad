SELECT nullif(Quantity, 12) IS NULL AS twelve, count(*) FROM sales GROUP BY 1
