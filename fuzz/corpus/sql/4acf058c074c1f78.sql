SELECT CASE WHEN Price > 20 THEN 'dear' WHEN Price > 10 THEN 'mid' END AS band, count(*) FROM sales GROUP BY 1
