SELECT abs(-3), abs(2.5), abs(-Price) FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
