SELECT nvl(CustomerNo, 0) = 0 AS missing, count(*) FROM sales GROUP BY 1
