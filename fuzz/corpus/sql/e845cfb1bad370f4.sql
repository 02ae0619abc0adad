SELECT count(*) FROM (SELECT ProductNo FROM sales GROUP BY ProductNo HAVING sum(Quantity) > 1000)
