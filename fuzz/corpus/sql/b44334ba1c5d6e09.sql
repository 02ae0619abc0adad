SELECT TransactionNo, ProductNo, Quantity FROM sales ORDER BY Quantity DESC, TransactionNo, ProductNo LIMIT 15
