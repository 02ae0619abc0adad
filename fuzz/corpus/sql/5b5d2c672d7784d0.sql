SELECT 10.0 / 4, 7 div 2, -7 div 2, Quantity div 5 FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
