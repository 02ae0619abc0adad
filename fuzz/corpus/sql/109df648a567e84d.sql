SELECT TransactionNo LIKE 'C%' AS cancelled, count(*), min(Quantity), max(Quantity) FROM sales GROUP BY 1
