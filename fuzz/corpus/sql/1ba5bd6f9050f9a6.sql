SELECT min(ProductName), max(ProductName), min(TransactionNo), max(TransactionNo) FROM sales
