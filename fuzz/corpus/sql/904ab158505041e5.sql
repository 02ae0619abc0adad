SELECT date_format(to_date(Date, 'M/d/yyyy'), 'yyyy-MM') AS ym, count(*) FROM sales GROUP BY 1 ORDER BY 1
