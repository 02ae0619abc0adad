SELECT count(*) FROM sales WHERE CustomerNo IS NULL
