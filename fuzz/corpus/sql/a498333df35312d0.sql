SELECT CASE Country WHEN 'Norway' THEN 'NO' WHEN 'Germany' THEN 'DE' ELSE 'other' END AS code, count(*) FROM sales GROUP BY 1
