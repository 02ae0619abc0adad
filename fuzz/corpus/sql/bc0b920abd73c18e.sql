SELECT date_trunc('MONTH', to_date(Date, 'M/d/yyyy')) AS m, count(DISTINCT CustomerNo) FROM sales GROUP BY 1 ORDER BY 1
