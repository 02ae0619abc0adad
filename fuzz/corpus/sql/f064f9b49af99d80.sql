SELECT concat_ws('-', 'a', 'b', NULL, 'c'), concat_ws(', ', Country, ProductNo), concat_ws('/', NULL) FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
