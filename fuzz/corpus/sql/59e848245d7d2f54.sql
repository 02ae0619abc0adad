SELECT t.c, count(*) FROM (SELECT CASE WHEN Quantity < 6 THEN 'small' WHEN Quantity < 24 THEN 'medium' ELSE 'large' END AS c FROM sales) t GROUP BY t.c
