SELECT count(*) FROM (SELECT DISTINCT ProductNo, Price FROM sales)
