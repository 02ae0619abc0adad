SELECT 'sales' AS src, count(*) FROM sales UNION ALL SELECT 'gen', count(*) FROM sales UNION ALL SELECT 'empty', count(*) FROM sales
