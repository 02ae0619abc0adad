SELECT to_date(Date, 'M/d/yyyy') AS d, count(*) FROM sales GROUP BY 1
