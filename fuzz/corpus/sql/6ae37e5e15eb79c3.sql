SELECT Quantity % 0, Quantity / 0, Price / 0.0 FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
