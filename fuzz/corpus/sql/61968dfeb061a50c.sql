SELECT count(*) FROM sales WHERE CustomerNo = 12345
