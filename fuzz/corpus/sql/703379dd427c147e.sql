SELECT concat('a', 'b', 'c'), concat(Country, '-', TransactionNo), concat('x', NULL) FROM sales WHERE ProductNo = '22485' AND TransactionNo = '581482'
