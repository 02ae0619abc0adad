SELECT ProductNo, sum(Quantity) FILTER (WHERE Country = 'Norway') AS no_qty, count(*) FROM sales GROUP BY ProductNo HAVING count(*) > 4
