SELECT count(*), count(DISTINCT TransactionNo), min(Price), max(Price) FROM sales
