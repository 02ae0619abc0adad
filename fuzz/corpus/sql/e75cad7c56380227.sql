SELECT ProductNam, count(*) FROM sales GROUP BY ProductNam
