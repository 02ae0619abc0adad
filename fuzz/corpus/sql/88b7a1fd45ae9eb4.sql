SELECT 5 % 0, 5 / 0, 5.0 / 0, Price / 0 FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
