SELECT count(DISTINCT TransactionNo), count(DISTINCT CustomerNo), count(DISTINCT ProductNo) FROM sales
