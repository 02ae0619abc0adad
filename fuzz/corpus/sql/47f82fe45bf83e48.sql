SELECT pow(2, 10), pow(2.0, -1), pow(9, 0.5), sqrt(16), sqrt(2), sqrt(Price) FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
