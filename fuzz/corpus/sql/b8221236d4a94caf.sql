SELECT floor(2.7), floor(-2.7), ceil(2.1), ceil(-2.1), floor(Price), ceil(Price) FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
