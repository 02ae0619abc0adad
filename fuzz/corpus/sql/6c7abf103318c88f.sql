SELECT CAST(CustomerNo AS BIGINT) AS c, count(*) FROM sales GROUP BY 1 HAVING count(*) > 40
