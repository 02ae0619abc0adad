SELECT ProductName, count(*) AS n FROM sales WHERE TransactionNo LIKE 'C%' GROUP BY ProductName ORDER BY n DESC, ProductName LIMIT 10
