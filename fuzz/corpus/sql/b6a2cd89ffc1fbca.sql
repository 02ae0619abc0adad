SELECT TransactionNo, ProductNo, Price FROM sales ORDER BY Price ASC, TransactionNo DESC, ProductNo ASC LIMIT 12
