SELECT regexp_extract(ProductName, '^Set Of ([0-9]+)', 1) AS n, count(*) FROM sales GROUP BY 1
